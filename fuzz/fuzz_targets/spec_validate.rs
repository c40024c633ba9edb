//! Fuzz target `spec_validate`: see paybind_fuzz::spec_validate for the input and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: paybind_fuzz::write_seeds(
        "spec_validate",
        paybind_fuzz::spec_validate::seeds,
        paybind_fuzz::spec_validate::check
    ),
    |data: &[u8]| paybind_fuzz::spec_validate::check(data)
);
