//! Fuzz target `money`: see paybind_fuzz::money for the input and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: paybind_fuzz::write_seeds(
        "money",
        paybind_fuzz::money::seeds,
        paybind_fuzz::money::check
    ),
    |data: &[u8]| paybind_fuzz::money::check(data)
);
