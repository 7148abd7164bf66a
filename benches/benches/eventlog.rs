//! Event-log replay cost.
//!
//! `eventlog/<file>`: parsing and replaying the largest event log of the corpus
//! (`$TRUSTED_LAUNCH_CORPUS/eventlog`), next to the bare cost of its extends: the same digests
//! extended into `PcrBanks` directly, with no parsing. The difference is the parser's overhead.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use trusted_launch::digest::Digest;
use trusted_launch::eventlog::replay::replay;
use trusted_launch::eventlog::{EventLog, ParseOptions};
use trusted_launch::tpm::pcr::PcrBanks;
use trusted_launch_benches::corpus_root;

/// The largest file of the event-log corpus that parses as a log without padding options.
fn largest_log() -> Option<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut folders = vec![corpus_root().join("eventlog")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                files.push((path, bytes));
            }
        }
    }
    files.retain(|(_, bytes)| EventLog::parse(bytes, ParseOptions::default()).is_ok());
    files.into_iter().max_by_key(|(_, bytes)| bytes.len())
}

fn eventlog(c: &mut Criterion) {
    let Some((path, bytes)) = largest_log() else {
        eprintln!("eventlog: no event-log corpus; set TRUSTED_LAUNCH_CORPUS");
        return;
    };
    let log = EventLog::parse(&bytes, ParseOptions::default()).expect("chosen because it parses");
    let algorithms = log.algorithms();
    let extends: Vec<(u32, Digest)> = log
        .events()
        .iter()
        .filter(|event| event.is_extended())
        .flat_map(|event| event.digests().map(move |digest| (event.pcr_index, digest)))
        .collect();

    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let mut group = c.benchmark_group(format!("eventlog/{name}"));
    group.bench_function("parse", |b| b.iter(|| EventLog::parse(black_box(&bytes), ParseOptions::default())));
    group.bench_function("parse_and_replay", |b| {
        b.iter(|| {
            let log = EventLog::parse(black_box(&bytes), ParseOptions::default()).unwrap();
            replay(&log).unwrap()
        })
    });
    group.bench_function("extends_only", |b| {
        b.iter(|| {
            let mut banks = PcrBanks::new(algorithms.iter().copied());
            for (pcr, digest) in black_box(&extends) {
                banks.extend(*pcr, digest).unwrap();
            }
            banks
        })
    });
    group.finish();
}

criterion_group!(benches, eventlog);
criterion_main!(benches);
