//! Certificate path building under the UEFI rules for `db`, `dbx` and `dbt` certificates, as
//! EDK2 implements them with OpenSSL's partial-chain mode (UEFI 2.10 section 32.5.3.3). The
//! anchor may be any certificate, not only a self-signed root. Validity dates, extended key
//! usage and key usage are not checked. Each link is the child's signature verified with the
//! parent's key, where the parent's subject equals the child's issuer.
//!
//! Entry points: [`chain_to_anchor`] and [`tbs_hash`].

use alloc::vec::Vec;

use der::Decode;
use x509_cert::Certificate;

use super::signature::AuthenticodeSignature;
use super::signed_data::CertificateEntry;
use super::tlv::{self, tag};
use crate::crypto::{self, PublicKey, SignatureScheme};
use crate::digest::{Digest, HashAlgorithm};
use crate::error::{Error, ErrorKind};

/// Maximum number of certificates in a path, the anchor included.
pub const MAX_CHAIN_DEPTH: usize = 8;
/// Maximum number of certificate signatures verified while searching for one path.
const MAX_SIGNATURE_CHECKS: usize = 64;

/// The result of searching a path from the signer certificate to an anchor.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainOutcome {
    /// A path exists. The DER certificates from the signer (first) to the anchor (last); when the
    /// signer certificate is the anchor, the one entry is both.
    Chained(Vec<Vec<u8>>),
    /// No path reaches the anchor.
    NotChained,
    /// Every path that reached or approached the anchor contained a certificate (or the anchor)
    /// whose key uses explicit elliptic-curve parameters, which are rejected (CVE-2020-0601).
    ExplicitEcParameters,
    /// The search stopped at the path length or signature-check budget before finding a path.
    BudgetExceeded,
}

/// Searches a path from the signer certificate of `signature`, through its certificate set, to
/// the DER certificate `anchor_der`. A certificate in the path that is byte-equal to the anchor
/// ends the path, so the signer certificate itself may be the anchor.
///
/// Returns `Err` only when `anchor_der` is not a certificate. A missing signer certificate is
/// [`ChainOutcome::NotChained`].
pub fn chain_to_anchor(signature: &AuthenticodeSignature, anchor_der: &[u8]) -> Result<ChainOutcome, Error> {
    let Some(signer) = signature.signed_data.signer_certificate() else {
        return Ok(ChainOutcome::NotChained);
    };
    chain_certificates(&signature.signed_data.certificates, signer, anchor_der)
}

/// [`chain_to_anchor`] for any certificate set and signer certificate.
pub(crate) fn chain_certificates(
    set: &[CertificateEntry],
    signer: &CertificateEntry,
    anchor_der: &[u8],
) -> Result<ChainOutcome, Error> {
    let anchor = Certificate::from_der(anchor_der).map_err(|error| Error::from_der(error, "anchor Certificate", 0))?;
    let mut search =
        Search { set, anchor: &anchor, anchor_der, checks: 0, explicit_parameters: false, budget_exceeded: false };

    let mut path = alloc::vec![signer];
    if let Some(found) = search.extend(&mut path) {
        return Ok(ChainOutcome::Chained(found));
    }
    Ok(if search.explicit_parameters {
        ChainOutcome::ExplicitEcParameters
    } else if search.budget_exceeded {
        ChainOutcome::BudgetExceeded
    } else {
        ChainOutcome::NotChained
    })
}

struct Search<'a> {
    set: &'a [CertificateEntry],
    anchor: &'a Certificate,
    anchor_der: &'a [u8],
    checks: usize,
    explicit_parameters: bool,
    budget_exceeded: bool,
}

impl<'a> Search<'a> {
    /// Depth-first search from the last certificate of `path`. Certificates already on the path
    /// are never added again, so the search cannot loop.
    fn extend(&mut self, path: &mut Vec<&'a CertificateEntry>) -> Option<Vec<Vec<u8>>> {
        let current = *path.last()?;
        // A certificate with an explicit-parameter key ends this path (CVE-2020-0601).
        self.usable_key(&current.certificate)?;
        if current.der == self.anchor_der {
            return Some(path.iter().map(|entry| entry.der.clone()).collect());
        }
        if path.len() >= MAX_CHAIN_DEPTH {
            self.budget_exceeded = true;
            return None;
        }

        let issuer = current.certificate.tbs_certificate().issuer();
        if self.anchor.tbs_certificate().subject() == issuer {
            if let Some(key) = self.usable_key(self.anchor) {
                if self.link_verifies(current, &key) {
                    let mut found: Vec<Vec<u8>> = path.iter().map(|entry| entry.der.clone()).collect();
                    found.push(self.anchor_der.to_vec());
                    return Some(found);
                }
            }
        }

        let set = self.set;
        for candidate in set {
            if candidate.certificate.tbs_certificate().subject() != issuer
                || path.iter().any(|entry| entry.der == candidate.der)
            {
                continue;
            }
            let Some(key) = self.usable_key(&candidate.certificate) else {
                continue;
            };
            if !self.link_verifies(current, &key) {
                continue;
            }
            path.push(candidate);
            if let Some(found) = self.extend(path) {
                return Some(found);
            }
            path.pop();
        }
        None
    }

    /// Reads the certificate's key, or returns `None` when it cannot verify. An
    /// explicit-parameter key is remembered so that the outcome can name it.
    fn usable_key(&mut self, certificate: &Certificate) -> Option<PublicKey> {
        match PublicKey::from_spki_owned(certificate.tbs_certificate().subject_public_key_info()) {
            Ok(key) => Some(key),
            Err(error) => {
                if error.kind == ErrorKind::ExplicitEcParameters {
                    self.explicit_parameters = true;
                }
                None
            }
        }
    }

    /// Checks whether `parent_key` verifies the signature of `child`, counting the check against
    /// the budget.
    fn link_verifies(&mut self, child: &CertificateEntry, parent_key: &PublicKey) -> bool {
        if self.checks >= MAX_SIGNATURE_CHECKS {
            self.budget_exceeded = true;
            return false;
        }
        self.checks = self.checks.saturating_add(1);

        let Ok(scheme) = SignatureScheme::from_algorithm_identifier(child.certificate.signature_algorithm(), None, 0)
        else {
            return false;
        };
        let Ok(tbs) = tbs_certificate(&child.der) else {
            return false;
        };
        let Some(signature) = child.certificate.signature().as_bytes() else {
            return false;
        };
        crypto::verify_message(parent_key, scheme, tbs, signature).unwrap_or(false)
    }
}

/// Returns the encoded `TBSCertificate` of a DER certificate, exactly as signed.
fn tbs_certificate(certificate_der: &[u8]) -> Result<&[u8], Error> {
    let certificate = tlv::single(certificate_der, 0, "Certificate")?;
    if certificate.tag != tag::SEQUENCE {
        return Err(Error::invalid("Certificate", "tag", 0));
    }
    let tbs = certificate.children("Certificate").expect(tag::SEQUENCE, "tbsCertificate")?;
    Ok(tbs.raw)
}

/// Hashes the `TBSCertificate` of a DER certificate, as `EFI_CERT_X509_SHA256`, `_SHA384` and
/// `_SHA512` entries in `dbx` identify certificates (UEFI 2.10 section 32.4.1).
pub fn tbs_hash(certificate_der: &[u8], algorithm: HashAlgorithm) -> Result<Digest, Error> {
    Ok(algorithm.hash(tbs_certificate(certificate_der)?))
}
