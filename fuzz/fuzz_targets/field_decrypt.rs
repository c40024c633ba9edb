//! Fuzz target `field_decrypt`: see paybind_fuzz::field_decrypt for the input and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: paybind_fuzz::write_seeds(
        "field_decrypt",
        paybind_fuzz::field_decrypt::seeds,
        paybind_fuzz::field_decrypt::check
    ),
    |data: &[u8]| paybind_fuzz::field_decrypt::check(data)
);
