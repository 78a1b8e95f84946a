/** Where nixflow looks for PostgreSQL when DATABASE_URL is not set (a developer machine). */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/nixflow';
