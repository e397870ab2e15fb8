// The engine's interface is declared in CTorchAPI/include/runner_torch.h.
#include "runner_torch.h"
