// Debian's libyaml (libyaml-dev): the YAML 1.1 parser OmegaConf's PyYAML also builds on.
#include <yaml.h>
