//! Quote verification cost next to the bare signature check it contains.
//!
//! - `quote/rsa2048`: the swtpm quote of the boot lab's `good` boot (`.cache/bootlab/good`,
//!   RSASSA with SHA-256 over ten SHA-256 PCRs), verified with its PCR values.
//! - `quote/p256`: a quote of the same shape signed here with a fixed P-256 key (ECDSA,
//!   SHA-256).
//!
//! Each group has `verify_quote` (parsing, every check, the pcrDigest over the PCR values) and
//! `signature_only` (the RSA or ECDSA verification alone, through `crypto::verify_prehashed`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use p256::ecdsa::SigningKey;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use trusted_launch::crypto::{SignatureScheme, verify_prehashed};
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::tpm::attestation_key::AttestationKey;
use trusted_launch::tpm::pcr_values::PcrValues;
use trusted_launch::tpm::quote::verify_quote;
use trusted_launch::tpm::selection::{PcrSelection, PcrSelectionList};
use trusted_launch::tpm::signature::Signature;
use trusted_launch_benches::repo_root;

/// `TPMA_OBJECT` fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth | restricted | sign.
const AK_ATTRIBUTES: u32 = 0x0005_0072;

fn sized(bytes: &[u8]) -> Vec<u8> {
    let mut out = u16::try_from(bytes.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}

/// DER `Ecdsa-Sig-Value` of two big-endian unsigned integers.
fn ecdsa_der(r: &[u8], s: &[u8]) -> Vec<u8> {
    let integer = |value: &[u8]| {
        let trimmed: Vec<u8> = value.iter().copied().skip_while(|byte| *byte == 0).collect();
        let mut content = if trimmed.first().is_some_and(|byte| byte & 0x80 != 0) { vec![0] } else { vec![] };
        content.extend(trimmed);
        let mut out = vec![0x02, u8::try_from(content.len()).unwrap()];
        out.extend(content);
        out
    };
    let body = [integer(r), integer(s)].concat();
    let mut out = vec![0x30, u8::try_from(body.len()).unwrap()];
    out.extend(body);
    out
}

fn ten_pcrs() -> PcrSelectionList {
    [PcrSelection::new(HashAlgorithm::Sha256, 0..10).unwrap()].into_iter().collect()
}

struct QuoteInput {
    key: AttestationKey,
    attest: Vec<u8>,
    signature: Vec<u8>,
    nonce: Vec<u8>,
    values: PcrValues,
}

fn lab_quote() -> Option<QuoteInput> {
    let folder = repo_root().join(".cache/bootlab/good");
    let read = |name: &str| std::fs::read(folder.join(name)).ok();
    let key = AttestationKey::from_tpm_public(&read("ak.pub")?).ok()?;
    let (_, values) = PcrValues::from_tpm2_tools_serialized(&read("quote.pcrs")?).ok()?;
    let nonce_hex = String::from_utf8(read("nonce.hex")?).ok()?;
    let nonce = (0..nonce_hex.trim().len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&nonce_hex.trim()[index..index + 2], 16).unwrap())
        .collect();
    Some(QuoteInput { key, attest: read("quote.msg")?, signature: read("quote.sig")?, nonce, values })
}

fn p256_quote() -> QuoteInput {
    let signing =
        SigningKey::from_slice(&HashAlgorithm::Sha256.hash(b"trusted-launch bench key").as_bytes()[..32]).unwrap();
    let point = signing.verifying_key().to_sec1_point(false);
    let (x, y) = (point.x().unwrap().to_vec(), point.y().unwrap().to_vec());

    // TPMT_PUBLIC: ECC, nameAlg SHA-256, attributes, empty policy, symmetric NULL, scheme ECDSA
    // SHA-256, curve NIST P-256, KDF NULL, unique (x, y).
    let mut public = Vec::new();
    public.extend(0x0023u16.to_be_bytes());
    public.extend(0x000Bu16.to_be_bytes());
    public.extend(AK_ATTRIBUTES.to_be_bytes());
    public.extend(sized(&[]));
    public.extend([0x00, 0x10, 0x00, 0x18, 0x00, 0x0B, 0x00, 0x03, 0x00, 0x10]);
    public.extend(sized(&x));
    public.extend(sized(&y));
    let key = AttestationKey::from_tpm_public(&sized(&public)).unwrap();

    let values: PcrValues = (0..10u32).map(|index| (index, HashAlgorithm::Sha256.hash(&index.to_le_bytes()))).collect();
    let pcr_digest = values.composite_digest(&ten_pcrs(), HashAlgorithm::Sha256).unwrap();
    let nonce = b"bench nonce, 32 bytes long......".to_vec();

    let mut attest = Vec::new();
    attest.extend(0xff54_4347u32.to_be_bytes());
    attest.extend(0x8018u16.to_be_bytes());
    attest.extend(sized(&[]));
    attest.extend(sized(&nonce));
    attest.extend([0u8; 8 + 4 + 4]);
    attest.push(1);
    attest.extend([0u8; 8]);
    attest.extend(ten_pcrs().to_bytes());
    attest.extend(sized(pcr_digest.as_bytes()));

    let digest = HashAlgorithm::Sha256.hash(&attest);
    let signed: p256::ecdsa::Signature = signing.sign_prehash(digest.as_bytes()).unwrap();
    let (r, s) = (signed.r().to_bytes(), signed.s().to_bytes());
    let mut signature = vec![0x00, 0x18, 0x00, 0x0B];
    signature.extend(sized(&r));
    signature.extend(sized(&s));
    QuoteInput { key, attest, signature, nonce, values }
}

fn bench_quote(c: &mut Criterion, name: &str, input: &QuoteInput) {
    let selection = ten_pcrs();
    let verdict =
        verify_quote(&input.key, &input.attest, &input.signature, &input.nonce, &selection, Some(&input.values));
    assert!(verdict.unwrap().is_valid(), "{name}: the benchmark quote must verify");

    let digest = HashAlgorithm::Sha256.hash(&input.attest);
    let (scheme, raw) = match Signature::parse(&input.signature).unwrap() {
        Signature::RsaSsa { signature, .. } => {
            (SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha256), signature.to_vec())
        }
        Signature::Ecdsa { r, s, .. } => (SignatureScheme::Ecdsa(HashAlgorithm::Sha256), ecdsa_der(r, s)),
        other => panic!("unexpected signature {other:?}"),
    };
    assert!(verify_prehashed(input.key.public_key(), scheme, &digest, &raw).unwrap());

    let mut group = c.benchmark_group(format!("quote/{name}"));
    group.bench_function("verify_quote", |b| {
        b.iter(|| {
            verify_quote(
                &input.key,
                black_box(&input.attest),
                &input.signature,
                &input.nonce,
                &selection,
                Some(&input.values),
            )
        })
    });
    group.bench_function("signature_only", |b| {
        b.iter(|| verify_prehashed(input.key.public_key(), scheme, black_box(&digest), &raw))
    });
    group.finish();
}

fn quotes(c: &mut Criterion) {
    match lab_quote() {
        Some(input) => bench_quote(c, "rsa2048", &input),
        None => eprintln!("quote/rsa2048: .cache/bootlab/good not found; run tools/bootlab/bootlab.py all"),
    }
    bench_quote(c, "p256", &p256_quote());
}

criterion_group!(benches, quotes);
criterion_main!(benches);
