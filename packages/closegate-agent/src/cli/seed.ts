import fs from 'node:fs';
import path from 'node:path';

/**
 * Set-up step of `run --seed-demo`, before the agent starts: creates a fresh
 * demo book (no recon pass) with the engine package's own seeding. The agent
 * loop itself never opens the database; it reaches the engine only over MCP.
 */
export async function seedDemoDatabase(db: string): Promise<void> {
  if (fs.existsSync(db)) throw new Error(`refusing to seed: ${db} exists`);
  const spec = 'closegate-engine';
  const engineLib = (await import(spec)) as {
    openEngine(o: { dbPath: string }): { seedDemo(): void; close(): void };
  };
  fs.mkdirSync(path.dirname(db), { recursive: true, mode: 0o700 });
  const engine = engineLib.openEngine({ dbPath: db });
  try {
    engine.seedDemo();
  } finally {
    engine.close();
  }
}
