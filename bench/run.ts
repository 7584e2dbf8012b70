/** `npm run bench -- <scenario> [args]`: benchmarks print figures; they are not tests. */
const SCENARIOS: Record<string, () => Promise<{ run: (...args: number[]) => Promise<void> }>> = {
  'supervision-query': () => import('./supervision-query'),
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? SCENARIOS[name] : undefined;
  if (!load) {
    console.error(`usage: npm run bench -- <scenario> [args]\nscenarios: ${Object.keys(SCENARIOS).join(', ')}`);
    process.exit(2);
  }
  await (await load()).run(...args.map(Number));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
