// For the sketch check only: the committed example values stand in for the git-ignored secrets.h.
#pragma once
#include "../../sensor_client/secrets.example.h"
