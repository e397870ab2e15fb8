/// Parquet and Arrow files, read as the dataset loaders read them.
enum ColumnarTargets {}
