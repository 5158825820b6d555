//! The `dcs` command line and what only it wires: the hub in production (`serve`), the whole
//! product on one machine with simulated stations that are real station agents (`demo`), the
//! rebuild of read models (`replay`), the rollout plan (`station plan`) and the benchmarks.

pub mod audit;
pub mod bench;
pub mod bench_verify;
pub mod cli;
pub mod demo;
pub mod hub_key;
pub mod nats;
pub mod users;
