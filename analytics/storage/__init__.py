"""Where the data lives: the locked-down DuckDB connection, the engine file of summary tables, Parquet writes."""
