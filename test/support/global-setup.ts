// Replaced by the embedded PostgreSQL set-up of the database tests.
export default function setup(): void {}
