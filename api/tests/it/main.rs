//! The hub's HTTP side in process: one hub on a fresh database and the in-process bus, on port 0.

mod access;
mod bad_input;
mod sign_in;
mod support;
