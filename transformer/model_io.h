// Model directories moved to transformer/config_json.h; this name stays for existing includes.
#pragma once

#include "transformer/config_json.h"
