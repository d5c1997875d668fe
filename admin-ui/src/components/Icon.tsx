/** Line icons drawn as inline SVG (attributes only, no style), 20×20 grid. */

const PATHS = {
  chat: 'M4 5h12v8H9l-4 3v-3H4z',
  key: 'M12.5 3.5a4 4 0 1 1-3.6 5.7L3.5 14.6V16.5h2.5v-1.5h1.5v-1.5h1.5l1.1-1.1A4 4 0 0 1 12.5 3.5zM13.5 6.5h.01',
  usage: 'M4 16V9M8 16V4M12 16v-5M16 16V7',
  sessions: 'M3.5 5h13v8.5h-13zM7 16.5h6M10 13.5v3',
  users:
    'M7.5 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2.5 16.5c.5-3 2.5-4.5 5-4.5s4.5 1.5 5 4.5M13 3.5a3 3 0 0 1 0 5.5M15 12c1.5.5 2.3 2 2.5 4.5',
  teams: 'M4 4h5v5H4zM11 4h5v5h-5zM4 11h5v5H4zM11 11h5v5h-5z',
  backends: 'M3.5 4h13v4h-13zM3.5 12h13v4h-13zM6 6h.01M6 14h.01',
  audit: 'M5 3.5h7l3 3v10H5zM12 3.5v3h3M7.5 10h5M7.5 13h5',
  receipt: 'M5 3h10v14l-2.5-1.5L10 17l-2.5-1.5L5 17zM7.5 7h5M7.5 10h5',
  checkpoint: 'M10 2.5l6 2.5v4.5c0 4-2.6 6.6-6 8-3.4-1.4-6-4-6-8V5zM7 10l2 2 4-4',
  logout: 'M8 4H4.5v12H8M12 6.5l3.5 3.5-3.5 3.5M15.5 10H8',
  menu: 'M3.5 5.5h13M3.5 10h13M3.5 14.5h13',
  check: 'M4.5 10.5l3.5 3.5 7.5-8',
  cross: 'M5.5 5.5l9 9M14.5 5.5l-9 9',
  send: 'M3.5 10L16.5 4l-4 12.5-3-5.5z',
  stop: 'M6 6h8v8H6z',
  export: 'M10 3v9M6.5 8.5L10 12l3.5-3.5M4 13.5v3h12v-3',
  hold: 'M5.5 9V6.5a4.5 4.5 0 0 1 9 0V9M4 9h12v8H4zM10 12v2',
  code: 'M7 6l-4 4 4 4M13 6l4 4-4 4M11 4.5l-2 11',
  analyze: 'M9 15a6 6 0 1 0 0-12 6 6 0 0 0 0 12zM13.5 13.5l3.5 3.5M6.5 9h5',
  folder: 'M3 5.5h5l1.5 2H17v8.5H3z',
  sso: 'M10 2.5l6 2.5v4.5c0 4-2.6 6.6-6 8-3.4-1.4-6-4-6-8V5zM10 8.5a1.75 1.75 0 1 0 0 .01M10 10.25v3',
  models: 'M10 2.5l6.5 3.75v7.5L10 17.5l-6.5-3.75v-7.5zM3.5 6.25L10 10l6.5-3.75M10 10v7.5',
  quota: 'M3.5 14a6.5 6.5 0 1 1 13 0M10 14l3-4.5M6 14h.01M14 14h.01',
  settings:
    'M10 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM10 2.5v2M10 15.5v2M2.5 10h2M15.5 10h2M4.7 4.7l1.4 1.4M13.9 13.9l1.4 1.4M4.7 15.3l1.4-1.4M13.9 6.1l1.4-1.4',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({
  name,
  className = 'nav-icon',
  label,
}: {
  name: IconName;
  className?: string;
  label?: string;
}) {
  return (
    <svg
      viewBox="0 0 20 20"
      className={className}
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

/** The product mark shown in the sidebar and on the sign-in page. */
export function BrandMark({ className = 'brand-mark' }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#1c3a5c" />
      <path
        d="M9 23l7-14 7 14M11.8 18h8.4"
        fill="none"
        stroke="#5fd3c4"
        strokeWidth="2.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
