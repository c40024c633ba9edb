//! Fuzz target `notification`: see paybind_fuzz::notification for the input and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: paybind_fuzz::write_seeds(
        "notification",
        paybind_fuzz::notification::seeds,
        paybind_fuzz::notification::check
    ),
    |data: &[u8]| paybind_fuzz::notification::check(data)
);
