//! Fuzz target `key_parse`: see paybind_fuzz::key_parse for the input and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: paybind_fuzz::write_seeds(
        "key_parse",
        paybind_fuzz::key_parse::seeds,
        paybind_fuzz::key_parse::check
    ),
    |data: &[u8]| paybind_fuzz::key_parse::check(data)
);
