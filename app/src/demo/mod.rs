//! Demo data, above every domain it writes: the small demonstration programme a first start
//! seeds (`seed`), and a programme's years of made-up history for benchmarks and the demo
//! (`generate`). Server-only.

pub mod generate;
pub mod seed;
