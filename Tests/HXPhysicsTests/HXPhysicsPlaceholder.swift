import Testing

@testable import HXPhysics

// Tests of HXPhysics are added by the issue that builds it.
