//! keygen.

use super::*;

#[test]
fn keygen_writes_keys_openssl_reads() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("keys");
    let out = run(
        &["keygen", "--bits", "2048", "--out", s(&out_dir)],
        &[],
        None,
    );
    assert_ok(&out);
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!printed.contains("PRIVATE"), "the private key was printed");
    let report = stdout_json(&out);
    assert_eq!(report["bits"], 2048);
    let file = |name: &str| PathBuf::from(report["files"][name].as_str().unwrap());
    let private_pem = file("private_pem");
    let public_pem = file("public_pem");
    let private_b64 = file("private_base64");
    let public_b64 = file("public_base64");
    assert_eq!(private_pem, out_dir.join("private.pem"));

    // PKCS#8 and SPKI PEM, as openssl reads them.
    let pem = std::fs::read_to_string(&private_pem).unwrap();
    assert!(
        pem.starts_with("-----BEGIN PRIVATE KEY-----\n"),
        "{pem:.40}"
    );
    openssl_ok(&["pkey", "-in", s(&private_pem), "-check", "-noout"]);
    let text = openssl_ok(&["pkey", "-pubin", "-in", s(&public_pem), "-noout", "-text"]);
    assert!(text.contains("2048 bit"), "{text}");
    assert!(std::fs::read_to_string(&public_pem)
        .unwrap()
        .starts_with("-----BEGIN PUBLIC KEY-----\n"));

    // The bare Base64 forms are the DER of the same keys.
    let der_private = dir.path().join("private.der");
    std::fs::write(
        &der_private,
        unb64(std::fs::read_to_string(&private_b64).unwrap().trim()),
    )
    .unwrap();
    openssl_ok(&[
        "pkey",
        "-inform",
        "DER",
        "-in",
        s(&der_private),
        "-check",
        "-noout",
    ]);
    let spki_der = Command::new("openssl")
        .args(["pkey", "-in", s(&private_pem), "-pubout", "-outform", "DER"])
        .output()
        .unwrap()
        .stdout;
    let public_text = std::fs::read_to_string(&public_b64).unwrap();
    assert_eq!(public_text.trim(), b64(&spki_der));
    assert_eq!(report["public_key_base64"], public_text.trim());
    // And paybind's own loader takes every form.
    PrivateKey::from_file(&private_b64).unwrap();

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for secret in [&private_pem, &private_b64] {
            let mode = std::fs::metadata(secret).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o077,
                0,
                "{} is readable by others",
                secret.display()
            );
        }
    }

    // An existing key is never replaced without --force.
    let before = std::fs::read(&private_pem).unwrap();
    let again = run(
        &["keygen", "--bits", "2048", "--out", s(&out_dir)],
        &[],
        None,
    );
    assert_eq!(code(&again), 2);
    assert_eq!(stderr_error(&again)["kind"], "exists");
    assert_eq!(std::fs::read(&private_pem).unwrap(), before);
}
