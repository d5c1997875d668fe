/**
 * `GET /v1/models` body, precomputed once per simulator.
 */

/**
 * vLLM's `ModelList` of `ModelCard`s with one `ModelPermission` each
 * (vllm/entrypoints/openai/protocol.py), for the served model names.
 */
export function modelsBody(
  models: readonly string[],
  maxModelLen: number,
  created: number,
  idPrefix: string,
): string {
  return JSON.stringify({
    object: 'list',
    data: models.map((id, i) => ({
      id,
      object: 'model',
      created,
      owned_by: 'vllm',
      root: id,
      parent: null,
      max_model_len: maxModelLen,
      permission: [
        {
          id: `modelperm-${idPrefix}${i.toString(16).padStart(16, '0')}`,
          object: 'model_permission',
          created,
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: '*',
          group: null,
          is_blocking: false,
        },
      ],
    })),
  });
}
