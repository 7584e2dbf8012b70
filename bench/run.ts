/** `npm run bench -- <scenario> [args]`: benchmarks print figures; they are not tests. */
const SCENARIOS: Record<string, () => Promise<{ run: (args: string[]) => Promise<void> }>> = {
  intake: () => import('./intake'),
  transitions: () => import('./transitions'),
  timers: () => import('./timers'),
  scale: () => import('./scale'),
  'supervision-query': () => import('./supervision-query'),
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? SCENARIOS[name] : undefined;
  if (!load) {
    console.error(`usage: npm run bench -- <scenario> [args]\nscenarios: ${Object.keys(SCENARIOS).join(', ')} (see bench/README.md)`);
    process.exit(2);
  }
  await (await load()).run(args);
  process.exit(process.exitCode ?? 0); // pg pools and gRPC channels would otherwise keep it alive
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
