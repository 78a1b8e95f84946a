import { createPrismaClient } from '@nixflow/db/client';
import { loadAppConfig } from '../config/app-config.js';
import { DEMO_AGENT_PASSWORD, DEMO_CUSTOMER_PASSWORD, seedDemoData } from './seed.js';

const config = loadAppConfig();
const prisma = createPrismaClient(config.databaseUrl);
try {
  const report = await seedDemoData(prisma, { adminEmail: config.adminEmail, adminPassword: config.adminPassword });
  console.log('Seed complete (idempotent: existing rows were kept).');
  console.log(`  users:        ${report.users.join(', ')}`);
  console.log(`  admin:        ${config.adminEmail} (password from ADMIN_PASSWORD)`);
  console.log(`  agents:       password ${DEMO_AGENT_PASSWORD}`);
  console.log(`  customers:    password ${DEMO_CUSTOMER_PASSWORD}`);
  console.log(`  workflow:     ${report.workflow} (${report.stages.join(' → ')})`);
  console.log(`  SLA policies: ${report.slaPolicies.join(', ')}`);
  console.log(`  tickets:      ${report.ticketsCreated} created`);
} catch (err) {
  console.error(`Seeding failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
