import type { Knex } from 'knex';

/**
 * Takes concurrent-stream slots for a batch of streams in one round trip (the streams a replica asked
 * for while its previous batch ran). The batch's subjects come once each, sorted, and are locked in
 * that order with per-subject advisory transaction locks (key space "aila", as
 * gateway_take_stream_slot), so batches of two replicas cannot deadlock; their live slots are then
 * counted once, and the streams are taken in order, each only when every one of its subjects is below
 * its limit. Each stream's (subject, limit) pairs are consecutive: `p_owner` is the 1-based stream of
 * a pair, `p_subject` the 1-based index of its subject in `p_subjects`. Returns, per stream, 0 when
 * taken, else the 1-based position (within the stream's pairs) of the first subject at its limit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function gateway_take_stream_slots(
      p_streams uuid[], p_replica uuid, p_subjects text[],
      p_owner integer[], p_subject integer[], p_limits integer[], p_ttl_ms integer
    ) returns integer[] language plpgsql volatile as $$
    declare
      n_pairs integer := coalesce(array_length(p_owner, 1), 0);
      result integer[] := array_fill(0, array[coalesce(array_length(p_streams, 1), 0)]);
      counts integer[];
      s text;
      i integer := 1;
      j integer;
      first integer;
      refused integer;
    begin
      if n_pairs = 0 then
        return result;
      end if;
      foreach s in array p_subjects loop
        perform pg_advisory_xact_lock(1634298977, hashtext(s));
      end loop;
      select array_agg(coalesce(c.n, 0) order by l.ord) into counts
        from unnest(p_subjects) with ordinality as l(subject, ord)
        left join (
          select g.subject, count(*)::integer as n from gateway_stream_slots g
           where g.subject = any(p_subjects) and g.expires_at > now()
           group by g.subject
        ) c on c.subject = l.subject;
      while i <= n_pairs loop
        first := i;
        while i <= n_pairs and p_owner[i] = p_owner[first] loop
          i := i + 1;
        end loop;
        refused := 0;
        for j in first .. i - 1 loop
          if counts[p_subject[j]] >= p_limits[j] then
            refused := j - first + 1;
            exit;
          end if;
        end loop;
        if refused = 0 then
          for j in first .. i - 1 loop
            counts[p_subject[j]] := counts[p_subject[j]] + 1;
          end loop;
        end if;
        result[p_owner[first]] := refused;
      end loop;
      insert into gateway_stream_slots (stream_id, subject, replica_id, expires_at)
        select p_streams[t.owner], p_subjects[t.subject], p_replica,
               now() + make_interval(secs => p_ttl_ms / 1000.0)
          from unnest(p_owner, p_subject) as t(owner, subject)
         where result[t.owner] = 0;
      return result;
    end $$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'drop function gateway_take_stream_slots(uuid[], uuid, text[], integer[], integer[], integer[], integer)',
  );
}
