import { createPrismaClient } from '@nixflow/db/client';
import { loadAppConfig } from '../config/app-config.js';
import { DEMO_AGENT_PASSWORD, DEMO_CUSTOMER_PASSWORD, seedDemoData } from './seed.js';

const config = loadAppConfig();
const prisma = createPrismaClient(config.databaseUrl);
try {
  const report = await seedDemoData(prisma, { adminEmail: config.adminEmail, adminPassword: config.adminPassword });
  console.log('Seed complete (idempotent: existing rows were kept).');
  console.log(`  users:        ${report.users.join(', ')}`);
  const adminPassword = process.env.ADMIN_PASSWORD
    ? 'password from ADMIN_PASSWORD'
    : `password ${config.adminPassword}, the default: set ADMIN_PASSWORD to choose another`;
  console.log(`  admin:        ${config.adminEmail} (${adminPassword})`);
  console.log(`  agents:       password ${DEMO_AGENT_PASSWORD}`);
  console.log(`  customers:    password ${DEMO_CUSTOMER_PASSWORD}`);
  console.log(`  workflow:     ${report.workflow} (${report.stages.join(' → ')})`);
  console.log(`  SLA policies: ${report.slaPolicies.join(', ')}`);
  console.log(`  tickets:      ${report.ticketsCreated} created`);
  console.log(`  knowledge:    ${report.articlesCreated} published article(s) created`);
  console.log(`  forms:        ${report.forms.join(', ')}`);
} catch (err) {
  console.error(`Seeding failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
