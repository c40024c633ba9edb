//! The test keys: 2048-bit, one of each per process, none equal to another.

use paybind::testing::keys;

#[test]
fn each_test_key_is_made_once_and_differs_from_the_others() {
    let all = [
        keys::bluepay_gateway(),
        keys::bluepay_merchant(),
        keys::sgate_system(),
        keys::sgate_merchant(),
    ];
    for key in &all {
        assert_eq!(key.bits(), keys::BITS);
    }
    let again = [
        keys::bluepay_gateway(),
        keys::bluepay_merchant(),
        keys::sgate_system(),
        keys::sgate_merchant(),
    ];
    for (first, second) in all.iter().zip(&again) {
        assert_eq!(
            first.public_key(),
            second.public_key(),
            "cached, not made again"
        );
    }
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a.public_key(), b.public_key(), "a key of its own per role");
        }
    }
    assert_eq!(format!("{:?}", all[0]), "PrivateKey(RSA-2048, redacted)");
}
