pub mod smtp_sink;
