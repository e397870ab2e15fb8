// Header-only module: the engine's C interface, for Swift to call through dlsym'd pointers.
