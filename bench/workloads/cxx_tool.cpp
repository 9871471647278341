// Benchmark workload: a small libTooling program, linked statically against Debian's clang 19 and
// LLVM 19 archives (about 570 MB of C++ archives). It parses a C++ snippet and prints every
// function it declares, then compiles the snippet to machine code for several targets with every
// LLVM backend registered, so most of clang and LLVM is pulled in, as in linking clang itself.
// A bad link shows up as wrong output.
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/CodeGen/CodeGenAction.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include <cstdio>
#include <memory>

// Debian's LLVM is built to link Polly into its tools but does not ship libPolly.a: its optimiser
// pipeline references this entry point, which a tool without Polly provides empty.
llvm::PassPluginLibraryInfo getPollyPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "Polly", "none", [](llvm::PassBuilder &) {}};
}

namespace {
class Visitor : public clang::RecursiveASTVisitor<Visitor> {
public:
  bool VisitFunctionDecl(clang::FunctionDecl *f) {
    std::printf("function %s with %u parameters\n", f->getNameAsString().c_str(), f->getNumParams());
    return true;
  }
};

class Consumer : public clang::ASTConsumer {
public:
  void HandleTranslationUnit(clang::ASTContext &ctx) override { Visitor().TraverseDecl(ctx.getTranslationUnitDecl()); }
};

class Action : public clang::ASTFrontendAction {
public:
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &, llvm::StringRef) override {
    return std::make_unique<Consumer>();
  }
};

llvm::LLVMContext context;
std::unique_ptr<llvm::Module> module;

// Keeps the IR module it generates (the tooling functions destroy the action when done).
class IRAction : public clang::EmitLLVMOnlyAction {
public:
  IRAction() : clang::EmitLLVMOnlyAction(&context) {}
  void EndSourceFileAction() override {
    clang::EmitLLVMOnlyAction::EndSourceFileAction();
    module = takeModule();
  }
};

// Emits the IR module for `triple` as an object file into memory; returns its size (0 on error).
size_t emit(llvm::Module &m, const std::string &triple) {
  std::string error;
  const llvm::Target *t = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!t)
    return 0;
  llvm::TargetOptions opts;
  std::unique_ptr<llvm::TargetMachine> tm(t->createTargetMachine(triple, "generic", "", opts, llvm::Reloc::PIC_));
  // The module was generated for the host: drop its CPU choices before retargeting.
  for (llvm::Function &f : m)
    for (const char *a : {"target-cpu", "target-features", "tune-cpu"})
      f.removeFnAttr(a);
  m.setTargetTriple(triple);
  m.setDataLayout(tm->createDataLayout());
  llvm::SmallVector<char, 0> buf;
  llvm::raw_svector_ostream os(buf);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return 0;
  pm.run(m);
  return buf.size();
}
} // namespace

int main() {
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  const char *code = "int add(int a, int b) { return a + b; }\n"
                     "template <typename T> T twice(T v) { return v + v; }\n"
                     "int use(void) { return twice(add(1, 2)); }\n"
                     "struct S { void method(double x); };\n";
  bool ok = clang::tooling::runToolOnCodeWithArgs(std::make_unique<Action>(), code, {"-std=c++17"}, "input.cc");
  std::printf("%s\n", ok ? "parsed" : "failed");
  ok = ok && clang::tooling::runToolOnCodeWithArgs(std::make_unique<IRAction>(), code, {"-std=c++17"}, "input.cc");
  llvm::Module *m = module.get();
  int targets = 0;
  if (ok && m) {
    for (const char *triple : {"x86_64-pc-linux-gnu", "aarch64-unknown-linux-gnu", "riscv64-unknown-linux-gnu",
                               "powerpc64le-unknown-linux-gnu", "wasm32-unknown-unknown"})
      if (emit(*m, triple) > 0) {
        std::printf("compiled for %s\n", triple);
        targets++;
      }
  }
  return ok && targets == 5 ? 0 : 1;
}
