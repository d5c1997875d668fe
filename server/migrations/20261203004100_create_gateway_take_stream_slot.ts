import type { Knex } from 'knex';

/**
 * Takes a concurrent-stream slot for every limited subject of a stream in one round trip: per-subject
 * advisory transaction locks (key space "aila", subjects in the caller's order, so overlapping
 * acquisitions cannot deadlock), then each subject's live slots are counted (a volatile function's
 * statements each see what committed before them), then the rows are inserted. Returns 0 when taken,
 * else the 1-based position of the first subject at its limit (nothing is inserted then).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function gateway_take_stream_slot(
      p_stream uuid, p_replica uuid, p_subjects text[], p_limits integer[], p_ttl_ms integer
    ) returns integer language plpgsql volatile as $$
    declare
      n integer := coalesce(array_length(p_subjects, 1), 0);
    begin
      for i in 1 .. n loop
        perform pg_advisory_xact_lock(1634298977, hashtext(p_subjects[i]));
      end loop;
      for i in 1 .. n loop
        if (select count(*) from gateway_stream_slots
             where subject = p_subjects[i] and expires_at > now()) >= p_limits[i] then
          return i;
        end if;
      end loop;
      insert into gateway_stream_slots (stream_id, subject, replica_id, expires_at)
        select p_stream, s, p_replica, now() + make_interval(secs => p_ttl_ms / 1000.0)
          from unnest(p_subjects) s;
      return 0;
    end $$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function gateway_take_stream_slot(uuid, uuid, text[], integer[], integer)');
}
