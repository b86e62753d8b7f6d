#include "rendezvous.h"
