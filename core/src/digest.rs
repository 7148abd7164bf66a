//! Hash algorithms used by UEFI and the TPM (SHA-1, SHA-256, SHA-384, SHA-512), their
//! identifiers (X.509 OIDs, `TPM_ALG_ID`), digest values and streaming hashing.

use core::fmt;

use der::asn1::ObjectIdentifier;
use sha1::Sha1;
use sha2::{Digest as _, Sha256, Sha384, Sha512};

/// A hash algorithm known to UEFI and TPM 2.0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgorithm {
    /// SHA-1 (FIPS 180-4). Accepted only where firmware accepts it.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// `id-sha1`, 1.3.14.3.2.26.
pub const OID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
/// `id-sha256`, 2.16.840.1.101.3.4.2.1.
pub const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
/// `id-sha384`, 2.16.840.1.101.3.4.2.2.
pub const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
/// `id-sha512`, 2.16.840.1.101.3.4.2.3.
pub const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

impl HashAlgorithm {
    /// Every algorithm, weakest first.
    pub const ALL: [Self; 4] = [Self::Sha1, Self::Sha256, Self::Sha384, Self::Sha512];

    /// Position of the algorithm in [`HashAlgorithm::ALL`].
    pub const fn index(self) -> usize {
        match self {
            Self::Sha1 => 0,
            Self::Sha256 => 1,
            Self::Sha384 => 2,
            Self::Sha512 => 3,
        }
    }

    /// Digest length in bytes.
    pub const fn output_size(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// The `TPM_ALG_ID` of the algorithm (TPM 2.0 Part 2, table 9).
    pub const fn tpm_alg_id(self) -> u16 {
        match self {
            Self::Sha1 => 0x0004,
            Self::Sha256 => 0x000B,
            Self::Sha384 => 0x000C,
            Self::Sha512 => 0x000D,
        }
    }

    /// The algorithm with this `TPM_ALG_ID`, if it is one of the four.
    pub const fn from_tpm_alg_id(id: u16) -> Option<Self> {
        match id {
            0x0004 => Some(Self::Sha1),
            0x000B => Some(Self::Sha256),
            0x000C => Some(Self::Sha384),
            0x000D => Some(Self::Sha512),
            _ => None,
        }
    }

    /// The X.509 / CMS object identifier of the algorithm.
    pub const fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => OID_SHA1,
            Self::Sha256 => OID_SHA256,
            Self::Sha384 => OID_SHA384,
            Self::Sha512 => OID_SHA512,
        }
    }

    /// The algorithm with this object identifier, if it is one of the four.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Self::ALL.into_iter().find(|algorithm| algorithm.oid() == *oid)
    }

    /// Lowercase name as used in JSON output and `tpm2-tools` (`sha1`, `sha256`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    /// Hashes `data` in one call.
    pub fn hash(self, data: &[u8]) -> Digest {
        let mut hasher = Hasher::new(self);
        hasher.update(data);
        hasher.finalize()
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A digest value of one of the [`HashAlgorithm`]s, stored inline (no allocation).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: HashAlgorithm,
    bytes: [u8; 64],
}

impl Digest {
    /// Builds a digest from its bytes; `None` when the length is not the algorithm's.
    pub fn new(algorithm: HashAlgorithm, bytes: &[u8]) -> Option<Self> {
        if bytes.len() != algorithm.output_size() {
            return None;
        }
        let mut out = [0u8; 64];
        out.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(Self { algorithm, bytes: out })
    }

    /// The algorithm that produced the digest.
    pub const fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.algorithm.output_size()).unwrap_or(&self.bytes)
    }
}

impl AsRef<[u8]> for Digest {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{self}", self.algorithm)
    }
}

impl fmt::Display for Digest {
    /// Lowercase hexadecimal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_bytes().iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

/// A streaming hash of one algorithm.
#[derive(Clone)]
pub enum Hasher {
    /// SHA-1 state.
    Sha1(Sha1),
    /// SHA-256 state.
    Sha256(Sha256),
    /// SHA-384 state.
    Sha384(Sha384),
    /// SHA-512 state.
    Sha512(Sha512),
}

impl Hasher {
    /// Starts a hash of `algorithm`.
    pub fn new(algorithm: HashAlgorithm) -> Self {
        match algorithm {
            HashAlgorithm::Sha1 => Self::Sha1(Sha1::new()),
            HashAlgorithm::Sha256 => Self::Sha256(Sha256::new()),
            HashAlgorithm::Sha384 => Self::Sha384(Sha384::new()),
            HashAlgorithm::Sha512 => Self::Sha512(Sha512::new()),
        }
    }

    /// The algorithm being computed.
    pub const fn algorithm(&self) -> HashAlgorithm {
        match self {
            Self::Sha1(_) => HashAlgorithm::Sha1,
            Self::Sha256(_) => HashAlgorithm::Sha256,
            Self::Sha384(_) => HashAlgorithm::Sha384,
            Self::Sha512(_) => HashAlgorithm::Sha512,
        }
    }

    /// Feeds `data`.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(state) => state.update(data),
            Self::Sha256(state) => state.update(data),
            Self::Sha384(state) => state.update(data),
            Self::Sha512(state) => state.update(data),
        }
    }

    /// Finishes the hash.
    pub fn finalize(self) -> Digest {
        let algorithm = self.algorithm();
        let mut bytes = [0u8; 64];
        let written = match self {
            Self::Sha1(state) => copy_prefix(&mut bytes, &state.finalize()),
            Self::Sha256(state) => copy_prefix(&mut bytes, &state.finalize()),
            Self::Sha384(state) => copy_prefix(&mut bytes, &state.finalize()),
            Self::Sha512(state) => copy_prefix(&mut bytes, &state.finalize()),
        };
        debug_assert_eq!(written, algorithm.output_size());
        Digest { algorithm, bytes }
    }
}

fn copy_prefix(out: &mut [u8; 64], digest: &[u8]) -> usize {
    let len = digest.len().min(out.len());
    if let (Some(target), Some(source)) = (out.get_mut(..len), digest.get(..len)) {
        target.copy_from_slice(source);
    }
    len
}

/// A sink for data to hash: one [`Hasher`], or several fed in one pass over the input.
pub trait Update {
    /// Feeds `data`.
    fn update(&mut self, data: &[u8]);
}

impl Update for Hasher {
    fn update(&mut self, data: &[u8]) {
        Hasher::update(self, data);
    }
}

/// Digests of the same data in several algorithms, computed in one pass over it.
#[derive(Clone)]
pub struct MultiHasher {
    hashers: [Option<Hasher>; 4],
}

impl Default for MultiHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl MultiHasher {
    /// Starts SHA-1, SHA-256, SHA-384 and SHA-512 together.
    pub fn new() -> Self {
        Self { hashers: HashAlgorithm::ALL.map(|algorithm| Some(Hasher::new(algorithm))) }
    }

    /// Starts only the algorithms in `algorithms` (duplicates are ignored).
    pub fn with_algorithms(algorithms: impl IntoIterator<Item = HashAlgorithm>) -> Self {
        let mut hashers = [None, None, None, None];
        for algorithm in algorithms {
            if let Some(slot) = hashers.get_mut(algorithm.index()) {
                *slot = Some(Hasher::new(algorithm));
            }
        }
        Self { hashers }
    }

    /// Finishes the started algorithms, in the order of [`HashAlgorithm::ALL`].
    pub fn finalize(self) -> DigestSet {
        DigestSet { digests: self.hashers.map(|hasher| hasher.map(Hasher::finalize)) }
    }
}

impl Update for MultiHasher {
    fn update(&mut self, data: &[u8]) {
        self.hashers.iter_mut().flatten().for_each(|hasher| hasher.update(data));
    }
}

/// Digests of the same data in some of the four algorithms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DigestSet {
    digests: [Option<Digest>; 4],
}

impl DigestSet {
    /// The digest in `algorithm`, if it was computed.
    pub fn get(&self, algorithm: HashAlgorithm) -> Option<&Digest> {
        self.digests.get(algorithm.index()).and_then(Option::as_ref)
    }

    /// The computed digests, weakest algorithm first.
    pub fn iter(&self) -> impl Iterator<Item = &Digest> {
        self.digests.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn sha256_of_abc_matches_fips_180_example() {
        // FIPS 180-4 appendix example "abc".
        let digest = HashAlgorithm::Sha256.hash(b"abc");
        assert_eq!(digest.to_string(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn tpm_ids_round_trip() {
        for algorithm in HashAlgorithm::ALL {
            assert_eq!(HashAlgorithm::from_tpm_alg_id(algorithm.tpm_alg_id()), Some(algorithm));
            assert_eq!(HashAlgorithm::from_oid(&algorithm.oid()), Some(algorithm));
        }
    }
}
