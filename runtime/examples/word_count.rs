//! Word count: flat_map, map and reduce_by_key on local workers.
//!
//! Run with `cargo run --example word_count [-- PARALLELISM]`.

use eddy::runtime::LocalRuntime;

const TEXT: &str = "To be, or not to be, that is the question:
Whether 'tis nobler in the mind to suffer
The slings and arrows of outrageous fortune,
Or to take arms against a sea of troubles
And by opposing end them. To die—to sleep,
No more; and by a sleep to say we end
The heart-ache and the thousand natural shocks
That flesh is heir to: 'tis a consummation
Devoutly to be wish'd. To die, to sleep;
To sleep, perchance to dream—ay, there's the rub.";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let parallelism = std::env::args().nth(1).map(|p| p.parse()).transpose()?.unwrap_or(2);
    let lines: Vec<&str> = TEXT.lines().collect();
    let runtime = LocalRuntime::with_parallelism(parallelism)?;
    let mut counts = runtime
        .execute(|worker| {
            worker
                .from_slice(&lines)
                .flat_map(|line| {
                    line.split(|c: char| !c.is_alphanumeric() && c != '\'')
                        .filter(|w| !w.is_empty())
                        .map(|w| (w.to_lowercase(), 1u64))
                        .collect::<Vec<_>>()
                })
                .reduce_by_key(|(word, _)| word.clone(), |(word, a), (_, b)| (word, a + b))?
                .collect()
        })?
        .swap_remove(0);
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!("{} distinct words on {parallelism} workers; the most frequent:", counts.len());
    for (word, n) in counts.iter().take(10) {
        println!("{n:>4}  {word}");
    }
    Ok(())
}
