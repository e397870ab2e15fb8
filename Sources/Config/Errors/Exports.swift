// Every part that reports errors through Config's types also needs the shape they convert to.
@_exported import Diagnostics
