// Package trust holds the store's heaviest trust tests, kept apart so they
// run in their own process and time budget: crash safety under SIGKILL,
// several processes writing at once, a full disk, a read-only file, hostile
// input and secrets in the raw file. It has no code of its own; the tests
// drive package storage through its public API, a real SQLite file and,
// where a second process is needed, this test binary started again.
package trust
