/// Columnar files read from untrusted bytes: each reader adds its target in its own file.
enum ColumnarTargets {}
