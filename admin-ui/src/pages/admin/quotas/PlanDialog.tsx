/** Create or edit a quota plan: rate limits, token budgets, concurrent streams and allowed models. */
import { type FormEvent, useEffect, useState } from 'react';
import { models } from '../../../api/models.js';
import { type Plan, type PlanInput, type PlanLimits, quotas } from '../../../api/quotas.js';
import { CheckOption } from '../../../components/CheckOption.js';
import { Field } from '../../../components/Field.js';
import { FormDialog } from '../../../components/FormDialog.js';
import { useAction } from '../../../hooks/use-action.js';
import { useResource } from '../../../hooks/use-resource.js';

/** The numeric limits, in the order the form shows them. */
export const LIMITS: Array<{ key: keyof Omit<PlanLimits, 'allowed_models'>; label: string; unit: string }> = [
  { key: 'requests_per_minute', label: 'Requests per minute', unit: 'requests' },
  { key: 'tokens_per_minute', label: 'Tokens per minute', unit: 'tokens' },
  { key: 'tokens_per_day', label: 'Tokens per day (UTC)', unit: 'tokens' },
  { key: 'tokens_per_month', label: 'Tokens per month (UTC)', unit: 'tokens' },
  { key: 'max_concurrent_streams', label: 'Concurrent streams', unit: 'streams' },
];

type Draft = { name: string; description: string; models: 'all' | 'some'; allowed: string[] } & Record<
  (typeof LIMITS)[number]['key'],
  string
>;

const draftOf = (plan: Plan | undefined): Draft => ({
  name: plan?.name ?? '',
  description: plan?.description ?? '',
  models: plan?.allowed_models ? 'some' : 'all',
  allowed: plan?.allowed_models ?? [],
  ...(Object.fromEntries(
    LIMITS.map(({ key }) => [
      key,
      plan?.[key] === null || plan?.[key] === undefined ? '' : String(plan[key]),
    ]),
  ) as Record<(typeof LIMITS)[number]['key'], string>),
});

/** The model names a plan can list: served models and their aliases; free text when unavailable. */
function useModelNames() {
  return useResource(async () => {
    try {
      const { data } = await models.catalog();
      return data.flatMap((m) => [m.id, ...m.aliases]).sort();
    } catch {
      return [];
    }
  }, []);
}

export function PlanDialog({
  open,
  plan,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** The plan to edit; undefined creates one. */
  plan: Plan | undefined;
  onClose(): void;
  onSaved(plan: Plan): void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(plan));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const { busy, error, setError, run } = useAction();
  const [extra, setExtra] = useState('');
  const names = useModelNames();
  useEffect(() => {
    if (open) {
      setDraft(draftOf(plan));
      setProblems({});
      setError(undefined);
      setExtra('');
    }
  }, [open, plan, setError]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const choices = [...new Set([...(names.data ?? []), ...draft.allowed])].sort();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!draft.name.trim()) found.name = 'A plan needs a name, like "Developers" or "Contractors".';
    for (const { key } of LIMITS) {
      if (draft[key] !== '' && !/^\d+$/.test(draft[key]))
        found[key] = 'A whole number, or empty for no limit.';
    }
    if (draft.models === 'some' && draft.allowed.length === 0) found.models = 'Choose at least one model.';
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const body: PlanInput & { name: string } = {
      name: draft.name.trim(),
      description: draft.description.trim(),
      allowed_models: draft.models === 'all' ? null : draft.allowed,
      ...Object.fromEntries(LIMITS.map(({ key }) => [key, draft[key] === '' ? null : Number(draft[key])])),
    };
    await run(async () => {
      onSaved(plan ? await quotas.updatePlan(plan.id, body) : await quotas.createPlan(body));
    });
  }

  const toggle = (name: string) =>
    set(
      'allowed',
      draft.allowed.includes(name) ? draft.allowed.filter((n) => n !== name) : [...draft.allowed, name],
    );

  return (
    <FormDialog
      open={open}
      title={plan ? `Edit ${plan.name}` : 'Create quota plan'}
      onClose={onClose}
      formId="plan-form"
      onSubmit={submit}
      submitLabel={plan ? 'Save plan' : 'Create plan'}
      busy={busy}
      error={error}
      errorTitle="The plan was not saved"
    >
      <Field label="Name" error={problems.name}>
        <input
          className="input"
          value={draft.name}
          maxLength={128}
          onChange={(e) => set('name', e.target.value)}
        />
      </Field>
      <Field label="Description">
        <input
          className="input"
          value={draft.description}
          maxLength={1000}
          onChange={(e) => set('description', e.target.value)}
        />
      </Field>
      <fieldset className="fieldset">
        <legend>Limits</legend>
        <p className="subtle">
          Leave a field empty for no limit. Every limit holds across all appliance replicas.
        </p>
        <div className="form-grid">
          {LIMITS.map(({ key, label }) => (
            <Field key={key} label={label} error={problems[key]}>
              <input
                className="input"
                inputMode="numeric"
                value={draft[key]}
                placeholder="No limit"
                onChange={(e) => set(key, e.target.value.trim())}
              />
            </Field>
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset stack-sm">
        <legend>Models</legend>
        <label className="checkbox">
          <input
            type="radio"
            name="models"
            checked={draft.models === 'all'}
            onChange={() => set('models', 'all')}
          />
          <span className="checkbox-title">Every model</span>
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name="models"
            checked={draft.models === 'some'}
            onChange={() => set('models', 'some')}
          />
          <span className="checkbox-title">Only the models chosen here</span>
        </label>
        {draft.models === 'some' && (
          <div className="stack-sm indent">
            {choices.map((name) => (
              <CheckOption
                key={name}
                checked={draft.allowed.includes(name)}
                onChange={() => toggle(name)}
                title={name}
                mono
              />
            ))}
            <div className="row">
              <Field label="Another model or alias" hint="A name the gateway will serve later.">
                <input className="input mono" value={extra} onChange={(e) => setExtra(e.target.value)} />
              </Field>
              <button
                type="button"
                className="btn btn-sm"
                disabled={!extra.trim()}
                onClick={() => {
                  if (!draft.allowed.includes(extra.trim())) set('allowed', [...draft.allowed, extra.trim()]);
                  setExtra('');
                }}
              >
                Add
              </button>
            </div>
            {problems.models && <span className="field-error">{problems.models}</span>}
          </div>
        )}
      </fieldset>
    </FormDialog>
  );
}
