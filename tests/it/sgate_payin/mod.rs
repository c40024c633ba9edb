//! SGATE Payin, the HMAC-signed gateway, over real loopback HTTP against a stand-in of its API
//! (`stub`; the sandbox's Payin has tests of its own, `sandbox_sgate_payin`): its signature
//! against the docs' own Node example (`signing`), its client (`client`), its callbacks,
//! believed only through the order the API returns (`callbacks`), and its payment links
//! against the docs' page (`links`).

mod callbacks;
mod client;
mod links;
mod signing;
mod stub;
