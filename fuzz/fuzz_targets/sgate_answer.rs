//! Fuzz target `sgate_answer`: see paybind_fuzz::sgate_answer for the input and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: paybind_fuzz::write_seeds(
        "sgate_answer",
        paybind_fuzz::sgate_answer::seeds,
        paybind_fuzz::sgate_answer::check
    ),
    |data: &[u8]| paybind_fuzz::sgate_answer::check(data)
);
