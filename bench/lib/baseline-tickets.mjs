// Baseline versions of the ticket routes (same SQL as the API issues through Prisma).
export function registerTicketRoutes() {
  // Filled in once the tickets module is on main.
}
