//! See the module documentation of `import`.
