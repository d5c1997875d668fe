/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time by function and by package or source
 * directory, and inclusive time of the appliance's own functions, heaviest first.
 * `node --import tsx server/bench/profile.ts <file.cpuprofile> [--top 30]`
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' } },
});
const top = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0] ?? '', 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
for (const [i, id] of profile.samples.entries())
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** Where a frame's code lives: a package name, a source directory, or a V8/Node category. */
function area(url: string): string {
  if (url === '') return '(native/gc/idle)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) return url;
  const src = /server\/(src|bench)\/(.+)\/[^/]+$/.exec(url);
  return src ? `${src[1]}/${src[2]}` : url;
}
const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${area(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const selfBy = new Map<string, number>();
const areaBy = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const node = byId.get(id) as ProfileNode;
  selfBy.set(label(node), (selfBy.get(label(node)) ?? 0) + us);
  areaBy.set(area(node.callFrame.url), (areaBy.get(area(node.callFrame.url)) ?? 0) + us);
  // Inclusive time of the appliance's own frames (each counted once per sample stack).
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at) as ProfileNode;
    if (!/server\/src\//.test(frame.callFrame.url)) continue;
    const key = label(frame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
const print = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(6)} %  ${key}\n`);
};
process.stdout.write(`${(total / 1e6).toFixed(1)} s sampled\n`);
print('self time by area', areaBy);
print('self time by function', selfBy);
print('inclusive time, appliance code', inclusive);
