// The chat's connections table. The sample keeps it in DynamoDB; here it is
// a Set in the shim's process, seeded with the IDs in STALE_CONNECTIONS (IDs
// of connections that are gone, so a post to them answers 410).
export const connections = new Set(
  (process.env.STALE_CONNECTIONS || '').split(',').filter(Boolean),
);
