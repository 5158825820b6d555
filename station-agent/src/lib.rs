//! The edge agent of a Digital Citizen Station. It records each interaction as a signed event in
//! a local SQLite outbox before it answers, publishes the outbox in sequence order, and forgets an
//! event only when the hub's receipt says it is in the central log. Used as the `station-agent`
//! binary in a building, and as a library by the simulator of `dcs demo`.

pub mod agent;
pub mod config;
pub mod enroll;
pub mod heartbeat;
pub mod http;
pub mod outbox;
pub mod publisher;
pub mod retention;
pub mod witness;

pub use agent::{Agent, AgentError, Draft, Recorded};
pub use config::StationConfig;
