//! Fuzz target `sgate_callback`: see paybind_fuzz::sgate_callback for the input and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: paybind_fuzz::write_seeds(
        "sgate_callback",
        paybind_fuzz::sgate_callback::seeds,
        paybind_fuzz::sgate_callback::check
    ),
    |data: &[u8]| paybind_fuzz::sgate_callback::check(data)
);
