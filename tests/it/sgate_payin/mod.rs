//! SGATE Payin, the HMAC-signed gateway, over real loopback HTTP against a stand-in of its API
//! (`stub`; the sandbox does not serve Payin yet): its signature against the docs' own Node
//! example (`signing`), its client (`client`) and its callbacks, believed only through the
//! order the API returns (`callbacks`).

mod callbacks;
mod client;
mod signing;
mod stub;
