# Builds the Windows installer into dist\: the frozen app (dist\quaero-desktop\) and
# dist\quaero-desktop-<version>-setup.exe (Inno Setup 6.3 or later).
# Usage, from the repository, after "python -m pip install .[package]":
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build-windows.ps1
# $env:PYTHON picks the Python (default: python on PATH); $env:ISCC the Inno Setup compiler.
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path "$PSScriptRoot\..\..")

function Invoke-Checked([string]$What, [scriptblock]$Command) {
    Write-Host "[build-windows] $What"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

$python = if ($env:PYTHON) { $env:PYTHON } else { "python" }
$version = (& $python -c "import quaero_desktop; print(quaero_desktop.__version__)").Trim()
if ($LASTEXITCODE -ne 0) { throw "cannot read the version from quaero_desktop/__init__.py" }

Invoke-Checked "icons from resources\icons\quaero.svg" { & $python packaging\make_icons.py build\icons --ico }
Invoke-Checked "freezing the app (PyInstaller)" {
    & $python -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller packaging\quaero-desktop.spec
}
$printed = (& dist\quaero-desktop\quaero-desktop.exe --version).Trim()
if ($printed -ne "quaero-desktop $version") { throw "the frozen app printed '$printed', not 'quaero-desktop $version'" }
if (-not (Test-Path dist\quaero-desktop\QuaeroDesktop.exe)) { throw "the windowed QuaeroDesktop.exe is missing" }

$iscc = $env:ISCC
if (-not $iscc) {
    $found = Get-Command iscc -ErrorAction SilentlyContinue
    $iscc = if ($found) { $found.Source } else { "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
}
if (-not (Test-Path $iscc)) { throw "Inno Setup's compiler is missing: install Inno Setup 6.3+ (choco install innosetup) or set ISCC" }
$root = (Get-Location).Path
Invoke-Checked "the installer (Inno Setup)" {
    & $iscc /Q "/DAppVersion=$version" "/DBundleDir=$root\dist\quaero-desktop" `
        "/DIconFile=$root\build\icons\quaero-desktop.ico" "/DOutputDir=$root\dist" packaging\windows\quaero-desktop.iss
}
Write-Host "[build-windows] dist\quaero-desktop-$version-setup.exe"
