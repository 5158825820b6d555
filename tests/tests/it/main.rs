//! End-to-end tests: the real `dcs` and `station-agent` binaries, a fresh PostgreSQL database and
//! a private NATS server per test.

mod audit;
mod authenticated_cluster;
mod benchmarks;
mod chaos;
mod cluster;
mod dead_letters;
mod deadlines;
mod delivery;
mod demo;
mod forged_receipts;
mod leaf;
mod logs;
mod nats_auth;
mod outage;
mod poison;
mod privacy;
mod self_healing;
mod services;
mod station_api;
mod station_lifecycle;
mod support;
mod takeover;
mod tidy;
mod witness;
