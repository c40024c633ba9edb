//! Fuzz target `no_echo`: see paybind_fuzz::no_echo for the input and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: paybind_fuzz::write_seeds(
        "no_echo",
        paybind_fuzz::no_echo::seeds,
        paybind_fuzz::no_echo::check
    ),
    |data: &[u8]| paybind_fuzz::no_echo::check(data)
);
