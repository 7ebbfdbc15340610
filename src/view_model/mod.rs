//! UI-shaped geometry from the model: pure, natively tested.
