import { defineConfig } from 'prisma/config';

// Prisma 7 reads the connection from here (CLI only: the client gets its URL from the app). The
// migrate commands need a direct connection, so the direct URL wins when set (Prisma's directUrl
// convention, as npm run db:migrate). The default matches README.md and .ci/run.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url:
      process.env.DATABASE_DIRECT_URL ||
      process.env.DIRECT_URL ||
      process.env.DATABASE_URL ||
      'postgresql://postgres@127.0.0.1:5432/nixflow',
  },
});
